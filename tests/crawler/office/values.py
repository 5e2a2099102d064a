"""The personal information inside the committed .doc / .xls fixtures (make.py writes them)."""
ID = "410522198803150028"          # 18 digits, GB 11643 check digit valid
CARD = "6222021234567894"          # passes Luhn
MOBILE = "13912345678"
MASKED = "370323********5678"      # already de-identified: never a hit
PASSWORD = "zwgk2023"              # of encrypted.doc and encrypted.xls
