import Foundation
import KalanCertificates
import KalanCore
import KalanFiles
import NIOPosix
import OpenAPIRuntime

extension KalanAPI {
    func issueCertificates(_ input: Operations.IssueCertificates.Input) async throws -> Operations.IssueCertificates.Output {
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        let issued = try await issuing.issueSession(code: input.path.code, language: language, actor: actor)
        return .ok(
            .init(body: .json(.init(items: issued.map { .init(serial: $0.certificate.serial, staffNumber: $0.content.trainee.staffNumber, isNew: $0.isNew) }))))
    }

    func getCertificatePDF(_ input: Operations.GetCertificatePDF.Input) async throws -> Operations.GetCertificatePDF.Output {
        try ContractLimits.text(input.path.serial, "serial", min: 1, max: 64)
        let lang = input.query.lang.flatMap { Language(rawValue: $0.rawValue) } ?? language
        let (_, content) = try await issuing.content(serial: input.path.serial, language: lang, actor: actor)
        guard actor.canSee(content.session) else { throw KalanError.notFound(.certificate, key: input.path.serial) }
        let pdf = try await Self.render([content]).first ?? Data()
        return .ok(.init(body: .pdf(HTTPBody(pdf))))
    }

    func getCertificateArchive(_ input: Operations.GetCertificateArchive.Input) async throws -> Operations.GetCertificateArchive.Output {
        try ContractLimits.text(input.path.code, "code", min: 1, max: 40)
        let archive = try await Self.archive(sessionCode: input.path.code, language: language, actor: actor, repository: repository, issuing: issuing)
        return .ok(.init(body: .applicationZip(HTTPBody(archive))))
    }

    /// A session's certificates as PDFs in one ZIP, for the API and the pages.
    static func archive(sessionCode: String, language: Language, actor: Actor, repository: any KalanRepository, issuing: CertificateIssuing) async throws -> Data {
        let serials = try await SessionQueries(repository: repository).serials(sessionCode: sessionCode, actor: actor)
        var contents: [CertificateContent] = []
        for serial in serials { contents.append(try await issuing.content(serial: serial, language: language, actor: actor).1) }
        let pdfs = try await Self.render(contents)
        var archive = ZipArchive()
        for (content, pdf) in zip(contents, pdfs) {
            archive.add(name: ZipArchive.safeFileName("\(content.serial) \(content.trainee.familyName) \(content.trainee.givenName)", extension: "pdf"), data: pdf)
        }
        return try archive.data()
    }

    /// cairo work is CPU-bound and serialised: it runs on NIO's blocking pool, not on the tasks' threads.
    static func render(_ contents: [CertificateContent]) async throws -> [Data] {
        try await NIOThreadPool.singleton.runIfActive {
            let renderer = CertificateRenderer()
            return try contents.map { try renderer.render($0) }
        }
    }
}
