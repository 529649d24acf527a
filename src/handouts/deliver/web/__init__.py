"""`handouts serve`: the front desk's and practitioner's page, on top of the same library.

site.py holds the content (loaded once, reloaded when a file changes), texts.py the page's own
words in each language, bodymap.py the clickable body views, guard.py the safety rules every
request passes, app.py the pages, server.py how it is started.
"""
