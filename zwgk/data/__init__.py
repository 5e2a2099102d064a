"""Data the checks read, kept as reviewable files with their sources: terms.yaml (canonical
formulations and leaders), divisions.txt (区划代码 gazetteer), hanzi.txt (characters alike in sound
or shape). See zwgk/formats/terms.py."""
