-- E-mail addresses and phone numbers as strict in the database as in the API, the forms and the
-- import (FieldLimits): an e-mail of 200 characters at most, a phone number of 24 characters at
-- most in all, its leading '+' included. NOT VALID: rows written before keep their place (every
-- interface already refused longer values); every row written from now on is checked.
ALTER TABLE trainee ADD CONSTRAINT trainee_email_length_check CHECK (char_length(email) <= 200) NOT VALID;
ALTER TABLE trainee ADD CONSTRAINT trainee_phone_length_check CHECK (char_length(phone) <= 24) NOT VALID;
ALTER TABLE app_user ADD CONSTRAINT app_user_email_length_check CHECK (char_length(email) <= 200) NOT VALID;
