// The migrations are compiled into the binary with SwiftPM's `.embedInCode` (Package.swift
// embeds the folder sql/migrations/). SwiftPM names each file's bytes after the file, so a new
// migration needs one line below (SwiftPM turns the leading digit into "_": 0002_x.sql is
// `_002_x_sql`); KalanStoreTests fails while a file is missing from the list.

/// Every migration file of sql/, in order: its name and its bytes.
public enum MigrationFiles {
    public static let all: [(name: String, bytes: [UInt8])] = [
        ("0001_domain.sql", PackageResources._001_domain_sql),
        ("0002_closed_results.sql", PackageResources._002_closed_results_sql),
        ("0004_certificate_status.sql", PackageResources._004_certificate_status_sql),
        ("0005_trainee_search.sql", PackageResources._005_trainee_search_sql),
        ("0007_operations.sql", PackageResources._007_operations_sql),
        ("0008_statistics_index.sql", PackageResources._008_statistics_index_sql),
        ("0010_statistics_log.sql", PackageResources._010_statistics_log_sql),
        ("0011_staff_number_any_case.sql", PackageResources._011_staff_number_any_case_sql),
        ("0012_issuer_address.sql", PackageResources._012_issuer_address_sql),
        ("0013_audit_and_login_indexes.sql", PackageResources._013_audit_and_login_indexes_sql),
        ("0015_contact_checks.sql", PackageResources._015_contact_checks_sql),
        ("0016_notices.sql", PackageResources._016_notices_sql),
        ("0017_attendance_scans.sql", PackageResources._017_attendance_scans_sql),
        ("0018_certificate_trust.sql", PackageResources._018_certificate_trust_sql),
        ("0019_cooperation.sql", PackageResources._019_cooperation_sql),
        ("0020_cooperation_notices.sql", PackageResources._020_cooperation_notices_sql),
        ("0021_wallet_offers.sql", PackageResources._021_wallet_offers_sql),
        ("0022_staff_in_person.sql", PackageResources._022_staff_in_person_sql),
        ("0023_cohort_saved.sql", PackageResources._023_cohort_saved_sql),
    ]
}
