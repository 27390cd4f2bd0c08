-- Search of the staff register that people can use: accent- and case-insensitive, on names in
-- either order and on staff numbers, fast on 100,000 staff (a trigram index).
--
-- unaccent() is only STABLE (its dictionary could change), so it cannot be used in an index
-- directly; kalan_fold wraps it with a fixed dictionary and is declared IMMUTABLE. Apostrophes go
-- too, so that "ndiaye" finds N'Diaye. Both extensions are "trusted": a database owner may create them.

CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;

CREATE FUNCTION public.kalan_fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN lower(translate(public.unaccent('public.unaccent'::regdictionary, value), '''’ʼ', ''));

-- What a search word is looked for in: family name, given name and staff number, folded.
CREATE FUNCTION public.kalan_trainee_key(family_name text, given_name text, staff_number text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN public.kalan_fold(family_name || ' ' || given_name || ' ' || staff_number);

CREATE INDEX trainee_search_idx ON trainee USING gin (public.kalan_trainee_key(family_name, given_name, staff_number) public.gin_trgm_ops);
