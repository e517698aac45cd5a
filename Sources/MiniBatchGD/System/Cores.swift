import Foundation

/// Available cores: the CPUs this process may run on (its affinity mask), capped by its cgroup's
/// CPU quota (v2 `cpu.max`, v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`).
public enum Cores {
    /// The cores this process may use: the default thread count of a fit
    /// (``GradientDescent/threads``). At least 1.
    public static var available: Int {
        var cpus = affinity() ?? ProcessInfo.processInfo.activeProcessorCount
        if let quota = quota() { cpus = Swift.min(cpus, Swift.max(1, Int(quota.rounded(.up)))) }
        return Swift.max(1, cpus)
    }

    /// The CPUs of this process's affinity mask (`Cpus_allowed_list` in /proc/self/status, as
    /// `0-3,6`), or nil when it cannot be read.
    static func affinity(status: String? = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) -> Int? {
        guard let line = status?.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }) else { return nil }
        var count = 0
        for part in line.dropFirst("Cpus_allowed_list:".count).split(separator: ",") {
            let bounds = part.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            switch bounds.count {
            case 1: if bounds[0] != nil { count += 1 } else { return nil }
            case 2:
                guard let low = bounds[0], let high = bounds[1], high >= low else { return nil }
                count += high - low + 1
            default: return nil
            }
        }
        return count > 0 ? count : nil
    }

    /// CPUs' worth of time per period the cgroup allows, or nil without a limit.
    private static func quota() -> Double? {
        func read(_ path: String) -> String? {
            (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if let line = read(ControlGroup.unified + "/cpu.max") {
            // "max 100000" without a limit.
            let parts = line.split(separator: " ")
            guard parts.count == 2, let limit = Double(parts[0]), let period = Double(parts[1]), period > 0 else { return nil }
            return limit / period
        }
        let v1 = ControlGroup.v1("cpu", holding: "cpu.cfs_quota_us")
        // −1 without a limit.
        guard let limit = read(v1 + "/cpu.cfs_quota_us").flatMap(Double.init), limit > 0,
            let period = read(v1 + "/cpu.cfs_period_us").flatMap(Double.init), period > 0
        else { return nil }
        return limit / period
    }

    /// The size of the largest cache the first CPU shares (its highest-level entry under
    /// /sys/devices/system/cpu/cpu0/cache, "32768K"), or nil when it cannot be read. Not
    /// sysconf's `_SC_LEVEL3_CACHE_SIZE`: in a virtual machine glibc reports the host CPU's whole
    /// L3 from CPUID (256 MiB on this project's EPYC), eight times what the CPUs given share.
    static let lastLevelCacheBytes: Int? = lastLevelCache(directory: "/sys/devices/system/cpu/cpu0/cache")

    static func lastLevelCache(directory: String) -> Int? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        func read(_ path: String) -> String? {
            (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var best: (level: Int, bytes: Int)?
        for entry in entries where entry.hasPrefix("index") {
            guard let level = read("\(directory)/\(entry)/level").flatMap({ Int($0) }), let size = read("\(directory)/\(entry)/size"),
                let bytes = cacheBytes(size)
            else { continue }
            if best.map({ level > $0.level }) ?? true { best = (level, bytes) }
        }
        return best?.bytes
    }

    /// "32768K", "1M", "512" as bytes (nil for anything else, or a size that overflows).
    static func cacheBytes(_ text: String) -> Int? {
        let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = Substring(text), unit = 1
        if let last = text.last, let scale = units[last] {
            digits = text.dropLast()
            unit = scale
        }
        guard let value = Int(digits), value > 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: unit)
        return overflow ? nil : bytes
    }
}
