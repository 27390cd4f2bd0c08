/// What the HTTP server needs to know; the executable reads it from flags and the environment.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var publicURL: String
    public var serialPrefix: String

    public init(host: String = "127.0.0.1", port: Int = 8080, publicURL: String? = nil, serialPrefix: String = "MCENMA") {
        self.host = host
        self.port = port
        self.publicURL = publicURL ?? "http://\(host):\(port)"
        self.serialPrefix = serialPrefix
    }
}
