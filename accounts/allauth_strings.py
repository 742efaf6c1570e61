"""allauth's texts that the portal's pages show, listed so that `makemessages` copies
them into the portal's catalogue (locale/).

allauth ships French, but neither Portuguese ("pt": only pt_BR and pt_PT) nor Swahili;
the portal's catalogue comes first (LOCALE_PATHS), so these entries give every market's
language the sign-in and sign-up forms, their errors and allauth's messages. The msgids
are allauth's own, exactly: nothing imports this module, it only feeds makemessages.
"""

from django.utils.translation import gettext_noop

ALLAUTH_STRINGS = (
    # Form labels (account/forms.py)
    gettext_noop("Username"),
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Login"),
    gettext_noop("Username or email"),
    gettext_noop("Password"),
    gettext_noop("Password (again)"),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Remember Me"),
    # Errors (account/adapter.py, account/forms.py)
    gettext_noop("You must type the same password each time."),
    gettext_noop("A user is already registered with this email address."),
    gettext_noop("Please type your current password."),
    gettext_noop("Incorrect password."),
    gettext_noop("Invalid or expired key."),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("This account is currently inactive."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("The username and/or password you specified are not correct."),
    gettext_noop("Be patient, you are sending too many requests."),
    # Messages (account/messages/*.txt)
    gettext_noop("Successfully signed in as %(name)s."),
    gettext_noop("You have signed out."),
    gettext_noop("Confirmation email sent to %(email)s."),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop("Password successfully changed."),
    gettext_noop("Password successfully set."),
)
