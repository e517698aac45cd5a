import Foundation

/// How much memory a load may use: what the kernel reports as available (`MemAvailable` in
/// /proc/meminfo, which counts reclaimable cache), so that a file too large for the machine
/// fails with ``FileError/tooLarge(path:neededBytes:availableBytes:)`` instead of the process
/// being killed mid-load.
enum MemoryBudget {
    /// Bytes available now, or nil where the system does not say.
    static func available() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kibibytes = Int(fields[1]) { return kibibytes * 1024 }
        }
        return nil
    }

    /// Throws when `needed` bytes exceed `limit` (or what is available when `limit` is nil).
    static func check(_ needed: Int, path: String, limit: Int?) throws {
        guard let budget = limit ?? available(), needed > budget else { return }
        throw FileError.tooLarge(path: path, neededBytes: needed, availableBytes: budget)
    }

    static func describe(_ bytes: Int) -> String {
        let value = Double(bytes), gibibyte = Double(1 << 30), mebibyte = Double(1 << 20)
        if value >= gibibyte { return String(format: "%.1f GiB", value / gibibyte) }
        if value >= mebibyte { return String(format: "%.1f MiB", value / mebibyte) }
        return "\(bytes) bytes"
    }
}
