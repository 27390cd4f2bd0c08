#!/usr/bin/env python3
"""Writes N staff lines in the Excel-export shape (BOM, semicolons, CRLF, French headers, accents)."""
import random
import sys

n = int(sys.argv[1])
random.seed(2026)
given = ["Aminata", "Moussa", "Fatoumata", "Ibrahim", "Awa", "Seydou", "Mariam", "Oumar", "Kadiatou", "Bakary", "Djénéba", "Assétou"]
family = ["Traoré", "Keïta", "Coulibaly", "Diarra", "Touré", "Maïga", "Cissé", "Sangaré", "N'Diaye", "Ag Ilyène", "Dembélé", "Sidibé"]
departments = ["DNT", "DNCN", "AGETIC", "ORTM", "DRH", "DFM"]
out = sys.stdout.buffer
out.write("\ufeffMatricule;Prénom;Nom;Sexe;Catégorie;Poste;Direction;Courriel;Téléphone\r\n".encode())
for i in range(n):
    g, f = random.choice(given), random.choice(family)
    sex = "F" if g in ("Aminata", "Fatoumata", "Awa", "Mariam", "Kadiatou", "Djénéba", "Assétou") else "M"
    line = f"BEN-{i:07d};{g};{f};{sex};{random.choice('ABC')};\"Agent; service {i % 40}\";{random.choice(departments)};agent{i}@communication.gouv.ml;+223 76 {i % 100:02d} {i % 97:02d} {i % 89:02d}\r\n"
    out.write(line.encode())
