import Foundation
import KalanCore
import Postgres

/// COPY through the Postgres client: the file's bytes go to the server in 256 KiB chunks.
func copyBenchmark(count: Int, url: String, file: String) async throws {
    var text = ""
    text.reserveCapacity(count * 100)
    let given = ["Aminata", "Moussa", "Fatoumata", "Ibrahim", "Awa", "Seydou", "Mariam", "Oumar", "Kadiatou", "Bakary"]
    let family = ["Traoré", "Keïta", "Coulibaly", "Diarra", "Touré", "Maïga", "Cissé", "Sangaré", "N'Diaye", "Ag Ilyène"]
    for i in 0..<count {
        text += "MCE-\(i)\t\(given[i % 10])\t\(family[(i / 10) % 10])\t\(i % 3 == 0 ? "F" : "M")\tB1\tTechnicien\tDNT\tagent\(i)@communication.gouv.ml\t+223 76 \(i % 100) 00 00\n"
    }
    try Data(text.utf8).write(to: URL(fileURLWithPath: file))
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
    let pool = PostgresPool(configuration: .init(url: url), maxConnections: 1)
    try await pool.withConnection { connection in
        try await connection.run(
            "SET client_min_messages = warning; DROP TABLE IF EXISTS copy_bench; CREATE TABLE copy_bench (staff_number text, given_name text, family_name text, sex text, category text, position text, department text, email text, phone text)"
        )
        let stopwatch = Stopwatch()
        let rows = try await connection.copyIn("COPY copy_bench FROM STDIN") { write in
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + (1 << 18), bytes.count)
                try write(bytes[offset..<end])
                offset = end
            }
        }
        let seconds = stopwatch.seconds
        print(String(format: "kalan Postgres COPY: %d rows in %.3f s (%.0f rows/s)", rows, seconds, Double(rows) / seconds))
        try await connection.run("DROP TABLE copy_bench")
    }
    await pool.close()
}
