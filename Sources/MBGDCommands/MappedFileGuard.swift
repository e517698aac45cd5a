import Foundation

/// Turns the SIGBUS of a mapped file that shrank while it was read into one line on stderr and
/// exit status 1, instead of a crash report.
///
/// The library maps `.npy` files read-only and private and checks their size when they are
/// opened; a file truncated afterwards loses pages, and reading one raises SIGBUS, which no
/// Swift error can catch. The handler only writes a message prepared beforehand and exits:
/// both async-signal-safe.
enum MappedFileGuard {
    /// The message, as C bytes, ready before any mapped page is read (written by the handler).
    nonisolated(unsafe) private static var message: UnsafeMutableBufferPointer<UInt8>?

    /// Installs the handler for reads of `path`'s mapping.
    static func watch(_ path: String) {
        let text = "mbgd: error: \(path): the file changed size while it was read in place (SIGBUS); nothing was written\n"
        let bytes = Array(Terminal.clean(text).utf8)
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count)
        _ = buffer.initialize(from: bytes)
        message = buffer
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            if let message = MappedFileGuard.message { _ = write(2, message.baseAddress, message.count) }
            _exit(1)
        }
        sigemptyset(&action.sa_mask)
        sigaction(SIGBUS, &action, nil)
    }
}
