-- One public address per database, beside its one signing key (0007): certificates carry the
-- address for ever (the issuer's id, the QR code), so every server and every command that signs
-- must use the same one. `kalan serve --public-url` (or KALAN_PUBLIC_URL) records it the first
-- time; a command that signs without an address refuses unless the database holds demo data.
CREATE TABLE issuer_address (
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    public_url     text CHECK (public_url ~ '^https?://[^/?#\s]+(/[^?#\s]*)?$' AND length(public_url) <= 2000),
    demo           boolean NOT NULL DEFAULT false,
    since          timestamptz NOT NULL DEFAULT now()
);
