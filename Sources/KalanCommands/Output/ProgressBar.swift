import Foundation

/// A one-line progress bar on standard error, drawn only when standard error is a terminal, so
/// pipes, files and CI logs stay clean.
struct ProgressBar: Sendable {
    let label: String
    let isTerminal = isatty(STDERR_FILENO) == 1

    init(_ label: String = "") { self.label = label }

    func draw(done: Int, total: Int) {
        guard isTerminal else { return }
        let width = 30, filled = total == 0 ? width : min(width, done * width / total)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let prefix = label.isEmpty ? "" : label + " "
        FileHandle.standardError.write(Data("\r\(prefix)\(bar) \(done)/\(total)".utf8))
    }

    func finish() {
        guard isTerminal else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
