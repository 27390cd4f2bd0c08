import Foundation
import HTTPTypes
import Hummingbird
import KalanCore

/// What makes the attendance and scores pages work without a network: the page script, the service
/// worker (at the root, so that its scope covers every session's sheets), the web app manifest and
/// its icons. Compiled in (Templates/), public (they carry no one's data).
enum OfflineAssets {
    static let script = String(decoding: PackageResources.attendance_offline_js, as: UTF8.self)

    /// The worker, with the words of its "not kept on this device" page in both languages.
    static let serviceWorker: String = {
        var texts: [String: [String: String]] = [:]
        for language in Language.allCases {
            texts[language.rawValue] = [
                "title": Messages.text("room.offline.unavailable_title", language), "text": Messages.text("room.offline.unavailable", language),
                "back": Messages.text("room.offline.back", language),
            ]
        }
        let data = (try? JSONSerialization.data(withJSONObject: texts, options: [.sortedKeys])) ?? Data("{}".utf8)
        // `<` escaped: the words end up inside an HTML page the worker writes.
        let json = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
        return String(decoding: PackageResources.sw_js, as: UTF8.self).replacingOccurrences(of: "__TEXTS__", with: json)
    }()

    static func manifest(_ language: Language) -> String {
        let manifest: [String: Any] = [
            "name": Messages.text("room.app.name", language), "short_name": "Kalan", "description": Messages.text("room.app.description", language),
            "lang": language.rawValue, "start_url": "/sessions?lang=\(language.rawValue)", "scope": "/", "display": "standalone",
            "background_color": "#ffffff", "theme_color": "#15542e",
            "icons": [
                ["src": "/assets/kalan-icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"],
                ["src": "/assets/kalan-icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"],
            ],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func add(to group: RouterGroup<KalanRequestContext>) {
        group.get("assets/attendance-offline.js") { _, _ in
            text(script, type: "text/javascript; charset=utf-8", cache: "public, max-age=3600")
        }
        group.get("sw.js") { _, _ in
            // Always checked again: a new worker reaches the devices at their next visit.
            text(serviceWorker, type: "text/javascript; charset=utf-8", cache: "no-cache")
        }
        group.get("manifest.webmanifest") { request, _ in
            text(manifest(PageRequest(request).language), type: "application/manifest+json; charset=utf-8", cache: "public, max-age=3600")
        }
        group.get("assets/kalan-icon-192.png") { _, _ in png(PackageResources.kalan_icon_192_png) }
        group.get("assets/kalan-icon-512.png") { _, _ in png(PackageResources.kalan_icon_512_png) }
    }

    static func text(_ body: String, type: String, cache: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: cache], body: .init(byteBuffer: .init(string: body)))
    }

    static func png(_ bytes: [UInt8]) -> Response {
        Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "public, max-age=86400"], body: .init(byteBuffer: .init(bytes: bytes)))
    }
}
