import Foundation

/// How much memory a load or a computation may use: the least of what the kernel reports as
/// available (`MemAvailable`, which counts reclaimable cache), what the memory cgroup still
/// allows (v2 `memory.max − memory.current`, v1 `memory.limit_in_bytes − memory.usage_in_bytes`,
/// the file cache not counted as used: the container's limit, where most users run), and what
/// the address-space and data limits (`ulimit -v`, `ulimit -d`) leave. Work beyond it is refused with the amount it needs, instead of the process being
/// killed or aborting in the allocator.
package enum MemoryBudget {
    /// Bytes available now, or nil where the system does not say.
    static func available() -> Int? {
        [machineAvailable(), cgroupAvailable(), addressSpaceAvailable()].compactMap { $0 }.min()
    }

    private static func machineAvailable() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kibibytes = Int(fields[1]) { return kibibytes * 1024 }
        }
        return nil
    }

    private static func number(_ path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))  // "max" (no limit) is nil
    }

    /// The cgroup's remaining allowance: this process's own cgroup (v2) or the v1 memory controller's.
    private static func cgroupAvailable() -> Int? {
        let v2 = ControlGroup.unified
        if let limit = number(v2 + "/memory.max") {
            let used = (number(v2 + "/memory.current") ?? 0) - fileCache(v2 + "/memory.stat", ["active_file", "inactive_file"])
            return max(0, limit - max(0, used))
        }
        let v1 = ControlGroup.v1("memory", holding: "memory.limit_in_bytes")
        // v1 reports "no limit" as a huge number (about 2⁶³ rounded to pages).
        guard let limit = number(v1 + "/memory.limit_in_bytes"), limit < 1 << 60 else { return nil }
        let used =
            (number(v1 + "/memory.usage_in_bytes") ?? 0) - fileCache(v1 + "/memory.stat", ["total_active_file", "total_inactive_file"])
        return max(0, limit - max(0, used))
    }

    /// The cgroup's file cache (the `keys` of its `memory.stat`): clean pages of files, a mapped
    /// `.npy` among them, that the kernel drops under pressure rather than fail an allocation.
    /// Counting them as used would refuse work once a mapped file has filled the cgroup's cache.
    private static func fileCache(_ path: String, _ keys: [String]) -> Int {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        var total = 0
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, keys.contains(String(fields[0])), let value = Int(fields[1]) { total += value }
        }
        return total
    }

    /// The least of the address-space limit (`ulimit -v`, `prlimit --as`) and the data limit
    /// (`ulimit -d`, `prlimit --data`, which counts every private writable mapping: the heap and
    /// OpenBLAS's buffers alike) in bytes, or nil when neither is set.
    static func addressSpaceLimit() -> Int? {
        [limit(RLIMIT_AS), limit(RLIMIT_DATA)].compactMap { $0 }.min()
    }

    /// The `ulimit` option of the limit ``addressSpaceLimit()`` reports: `-v` or `-d`.
    static var limitOption: String {
        guard let data = limit(RLIMIT_DATA) else { return "-v" }
        return limit(RLIMIT_AS).map { $0 <= data } == true ? "-v" : "-d"
    }

    private static func limit(_ resource: __rlimit_resource) -> Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// What `ulimit -v` and `ulimit -d` leave: each limit minus what it already counts (VmSize,
    /// VmData), the lesser.
    private static func addressSpaceAvailable() -> Int? {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        func used(_ key: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
                let kibibytes = Int(line.split(separator: " ").dropFirst().first ?? "")
            else { return 0 }
            return kibibytes * 1024
        }
        let room = [limit(RLIMIT_AS).map { $0 - used("VmSize:") }, limit(RLIMIT_DATA).map { $0 - used("VmData:") }]
        return room.compactMap { $0 }.min().map { max(0, $0) }
    }

    /// Throws when `needed` bytes exceed `limit` (or what is available when `limit` is nil).
    static func check(_ needed: Int, path: String, limit: Int?) throws {
        guard let budget = limit ?? available(), needed > budget else { return }
        throw FileError.tooLarge(path: path, neededBytes: needed, availableBytes: budget)
    }

    /// The bytes of `counts` multiplied together (8 bytes per Double), or nil when that overflows.
    static func doubles(_ counts: Int...) -> Int? { bytes(of: Double.self, counts) }

    /// The bytes of `counts` elements of `Element` multiplied together, or nil when that overflows.
    package static func bytes<Element>(of element: Element.Type, _ counts: [Int]) -> Int? {
        var total = MemoryLayout<Element>.stride
        for count in counts {
            let (product, overflow) = total.multipliedReportingOverflow(by: max(0, count))
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// Refuses `operation` when it needs more than is available (`needed` nil: beyond counting).
    /// - Throws: ``MatrixError/tooLarge(operation:neededBytes:availableBytes:)``.
    package static func require(_ needed: Int?, for operation: String) throws {
        let budget = available()
        guard let needed else { throw MatrixError.tooLarge(operation: operation, neededBytes: .max, availableBytes: budget ?? 0) }
        if let budget, needed > budget { throw MatrixError.tooLarge(operation: operation, neededBytes: needed, availableBytes: budget) }
    }

    /// "1.5 GiB", "3.0 MiB", "200 bytes".
    static func describe(_ bytes: Int) -> String {
        let value = Double(bytes), tebibyte = Double(1 << 40), gibibyte = Double(1 << 30), mebibyte = Double(1 << 20)
        if value >= tebibyte { return String(format: "%.1f TiB", value / tebibyte) }
        if value >= gibibyte { return String(format: "%.1f GiB", value / gibibyte) }
        if value >= mebibyte { return String(format: "%.1f MiB", value / mebibyte) }
        return "\(bytes) bytes"
    }

    /// What an operation needs: "about 1.5 GiB", or "more than 8 EiB" for a size beyond counting.
    static func describeNeed(_ bytes: Int) -> String {
        bytes == .max ? "more than 8 EiB" : "about " + describe(bytes)
    }
}
