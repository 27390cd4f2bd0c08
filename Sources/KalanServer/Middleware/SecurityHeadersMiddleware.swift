import HTTPTypes
import Hummingbird

/// Headers every response carries: no sniffing, no framing, a strict content policy, and the
/// request id that every log line of the request also carries. Answers that depend on who asks
/// (a cookie or a token was sent, or a cookie is set) are never stored by caches.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[HTTPField.Name("X-Request-Id")!] = context.id
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        // Scripts, their requests, the service worker and the web app manifest from Kalan itself only
        // (the training room's offline attendance); nothing inline, nothing from elsewhere.
        response.headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"
        if request.headers[.authorization] != nil || request.headers[.cookie] != nil || response.headers[.setCookie] != nil {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}
