"""Content interchange: GIFT and Moodle XML to and from our Markdown banks, and the Markdown zip.

Pure code (no Flask, no database). Everything imported is written as our Markdown and read back by
training.content's own parser, so only what the checker accepts comes in; what does not is reported
per question, with its line and title, in Chinese.
"""
