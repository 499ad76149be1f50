"""One date format for people everywhere ("Mar 14, 2026"); ISO stays in the API and in files.

Django localizes by default, so these replace the en locale's own formats ("Dec. 3, 2026") on every
page, email and PDF that prints a date without naming a format. Date fields accept what a date input
sends (ISO) and what a person types in the US form: cectracker.forms.FlexibleDateField.
"""

DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y, H:i"
SHORT_DATE_FORMAT = "M j, Y"
SHORT_DATETIME_FORMAT = "M j, Y, H:i"
MONTH_DAY_FORMAT = "M j"
YEAR_MONTH_FORMAT = "M Y"
