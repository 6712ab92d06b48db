"""Typst templates of the PDF documents (read as package resources by reports.pdf)."""
