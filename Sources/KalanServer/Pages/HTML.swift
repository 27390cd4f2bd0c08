import Foundation
import HTTPTypes
import Hummingbird
import KalanCore
import NIOCore

/// Server-rendered pages: plain HTML and one small stylesheet, usable on a small laptop.
enum HTML {
    /// Escapes text for element content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func page(title: String, language: Language, body: String, status: HTTPResponse.Status = .ok, wide: Bool = false) -> Response {
        let html = """
            <!doctype html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · Kalan</title>
            <style>\(stylesheet)</style>
            </head>
            <body>
            <header><a class="brand" href="/">Kalan</a><span>\(language == .fr ? "Ministère de la Communication, de l'Économie numérique et de la Modernisation de l'Administration" : "Ministry of Communication, Digital Economy and Administration Modernisation")</span>
            <nav><a href="?lang=fr">FR</a> · <a href="?lang=en">EN</a></nav></header>
            <main\(wide ? " class=\"wide\"" : "")>
            \(body)
            </main>
            </body>
            </html>
            """
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    /// Where a page sends a visitor who is not signed in.
    static func toLogin(_ language: Language) -> Response {
        Response(status: .seeOther, headers: [.location: "/login?lang=\(language.rawValue)"])
    }

    /// A form without the session's token, or from another site: nothing is done.
    static func staleForm(_ language: Language) -> Response {
        page(
            title: "403", language: language,
            body: "<div class=\"card\"><p class=\"verdict bad\">\(language == .fr ? "Formulaire périmé ou étranger : rechargez la page." : "Stale or foreign form: reload the page.")</p></div>",
            status: .forbidden)
    }

    static let stylesheet = """
        *{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1d2327;background:#f6f7f7}
        header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 1rem;background:#14532d;color:#fff;font-size:.9rem}
        header a{color:#fff}.brand{font-weight:700;font-size:1.2rem;text-decoration:none}header nav{margin-left:auto}
        main{max-width:46rem;margin:1.5rem auto;padding:0 1rem}
        .card{background:#fff;border:1px solid #dcdcde;border-radius:8px;padding:1.2rem 1.4rem;margin-bottom:1rem}
        .verdict{font-size:1.3rem;font-weight:700;padding:.6rem 1rem;border-radius:6px;margin:0 0 1rem}
        .ok{background:#dcfce7;color:#14532d}.bad{background:#fee2e2;color:#7f1d1d}.warn{background:#fef3c7;color:#78350f}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}dt{color:#50575e}dd{margin:0}
        label{display:block;font-weight:600;margin:.6rem 0 .2rem}input,textarea{width:100%;padding:.5rem;border:1px solid #8c8f94;border-radius:4px;font:inherit}
        textarea{min-height:10rem;font-family:ui-monospace,monospace;font-size:.85rem}
        button{margin-top:.8rem;padding:.5rem 1.2rem;border:0;border-radius:4px;background:#14532d;color:#fff;font:inherit;cursor:pointer}
        .muted{color:#50575e;font-size:.9rem}h1{margin-top:0;font-size:1.5rem}h2{font-size:1.2rem;margin-top:0}
        main.wide{max-width:72rem}.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end}.filters label{margin-top:0}
        select{padding:.45rem;border:1px solid #8c8f94;border-radius:4px;font:inherit;background:#fff}
        .scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.85rem;margin-top:1rem}
        th,td{padding:.3rem .5rem;border-bottom:1px solid #dcdcde;text-align:left;white-space:nowrap}td.n{text-align:right;font-variant-numeric:tabular-nums}
        tr.total td{font-weight:700;border-top:2px solid #1d2327}.chart{width:100%;max-width:46rem;height:auto}
        .progress{margin:.8rem 0}.meter{height:.8rem;background:#e5e7eb;border-radius:4px;overflow:hidden;margin:.2rem 0}.meter span{display:block;height:100%;background:#15803d}
        label.inline{display:inline;font-weight:400;margin:0}label.inline input{width:auto}
        form.inline{display:inline-flex;gap:.3rem;align-items:center;margin-right:.3rem}input.reason{width:9rem;padding:.2rem .4rem}
        button.small{margin-top:0;padding:.2rem .6rem;font-size:.85rem}
        """
}

extension Request {
    /// `?lang=` wins, then Accept-Language; French by default.
    var language: Language {
        if let lang = uri.queryParameters.get("lang"), let language = Language(code: lang) { return language }
        return Language(acceptLanguage: headers[.acceptLanguage])
    }

    var wantsJSON: Bool { headers[.accept]?.contains("application/json") == true }
}
