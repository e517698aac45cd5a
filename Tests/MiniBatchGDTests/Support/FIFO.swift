import Foundation

@testable import MiniBatchGD

/// `body` run on a FIFO at `folder/name` that another thread fills with `text`: a pipe, read once.
func throughFIFO<T>(
    _ text: String, folder: ScratchFolder, name: String = "pipe",
    _ body: (String) throws -> T
) throws -> T {
    let path = folder.path + "/" + name
    guard mkfifo(path, 0o600) == 0 else { throw FileError.unreadable(path: path, reason: "mkfifo failed") }
    let bytes = Array(text.utf8)
    // A reader that stops at an error closes the pipe: the writer gets EPIPE, not a signal.
    signal(SIGPIPE, SIG_IGN)
    let writer = Thread {
        let descriptor = open(path, O_WRONLY)
        guard descriptor >= 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written <= 0 { break }
            offset += written
        }
        close(descriptor)
    }
    writer.start()
    return try body(path)
}
