import Foundation

/// The folders of this process's control groups, where Linux keeps its memory and CPU limits.
enum ControlGroup {
    /// This process's unified (v2) cgroup folder (`/sys/fs/cgroup` when /proc says nothing).
    static var unified: String {
        var folder = "/sys/fs/cgroup"
        if let line = lines().first(where: { $0.hasPrefix("0::") }) { folder += String(line.dropFirst(3)) }
        return folder
    }

    /// This process's folder of the v1 `controller` when it holds `file`, else the controller's
    /// root (`/sys/fs/cgroup/<controller>`).
    static func v1(_ controller: String, holding file: String) -> String {
        let root = "/sys/fs/cgroup/" + controller
        if let line = lines().first(where: {
            $0.split(separator: ":").dropFirst().first?.split(separator: ",").contains(Substring(controller)) == true
        }),
            let path = line.split(separator: ":", maxSplits: 2).last,
            FileManager.default.fileExists(atPath: root + path + "/" + file)
        {
            return root + path
        }
        return root
    }

    private static func lines() -> [Substring] {
        ((try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)) ?? "").split(separator: "\n")
    }
}
