"""Words in three languages: detection, stems, vocabulary matching, localized messages."""
