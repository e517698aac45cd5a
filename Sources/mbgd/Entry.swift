import MBGDCommands

/// The process entry point, alone in its target so that the argument fuzzer can build the tool's
/// commands without a second `main`.
@main
enum Entry {
    static func main() { MBGD.main() }
}
