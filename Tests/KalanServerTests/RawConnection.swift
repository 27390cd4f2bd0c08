import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to a test server, for what an HTTP client library will not send: a
/// `Content-Length` beyond Int64, a body trickled a byte at a time, a client that vanishes.
/// Its blocking calls run on a dispatch queue, never on Swift's cooperative threads, which the
/// server in the same process needs.
final class RawConnection: @unchecked Sendable {
    let fd: Int32
    private let sending = DispatchQueue(label: "raw-connection.send")
    private let receiving = DispatchQueue(label: "raw-connection.receive")

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(fd) }

    private func blocking<T: Sendable>(on queue: DispatchQueue, _ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in queue.async { continuation.resume(returning: body()) } }
    }

    /// Sends everything; false once the server closed the connection.
    @discardableResult
    func send(_ text: String) async -> Bool {
        let bytes = Array(text.utf8)
        return await blocking(on: sending) { [fd] in
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard sent > 0 else { return false }
                offset += sent
            }
            return true
        }
    }

    /// What the server sends until it closes the connection, or until a whole answer (head and
    /// `Content-Length` bytes) came when `untilClosed` is false, or `seconds` pass.
    func receive(seconds: Int, untilClosed: Bool = true) async -> (text: String, closed: Bool) {
        await blocking(on: receiving) { [fd] in
            var wait = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(fd, &buffer, buffer.count, 0)
                if count == 0 { return (String(decoding: received, as: UTF8.self), true) }
                if count < 0 { return (String(decoding: received, as: UTF8.self), false) }
                received += buffer[0..<count]
                if !untilClosed, Self.isWholeAnswer(received) { return (String(decoding: received, as: UTF8.self), false) }
            }
        }
    }

    static func isWholeAnswer(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let end = text.range(of: "\r\n\r\n") else { return false }
        let head = text[..<end.lowerBound].lowercased()
        let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }.flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
        return text[end.upperBound...].utf8.count >= length
    }

    /// Ends the connection at once, as a client that went away.
    func abort() { shutdown(fd, Int32(SHUT_RDWR)) }
}
