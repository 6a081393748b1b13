"""Clean stage: HTML and plain text to article text, boilerplate dropped, hyphenation mended, title and publication date read."""
