"""The simulated sample logs shipped with Amtsweg (package data, so ``amtsweg demo`` finds
them in any folder after ``pip install``): see README.md in this folder."""

from pathlib import Path

#: The folder holding the sample logs, their mappings, labels and step mappings.
FOLDER = Path(__file__).resolve().parent
