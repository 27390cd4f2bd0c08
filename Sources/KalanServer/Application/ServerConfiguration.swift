/// What the HTTP server needs to know; the executable reads it from flags and the environment.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var publicURL: String

    public init(host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil) {
        self.host = host
        self.port = port
        self.publicURL = publicURL ?? "http://\(host):\(port)"
    }
}
