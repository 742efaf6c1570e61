"""Who may learn whether an email address has an account (docs/security.md, finding 6).

`ACCOUNT_PREVENT_ENUMERATION = True`: password reset and sign-up answer the same for
any address; the address's owner learns the truth by email. A signed-in developer who
changes their address is still told when it is taken: they already passed activation
and the phone step, and the alternative (a verification email to the other account's
owner) would confuse that owner.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.forms import AddEmailForm
from allauth.account.utils import filter_users_by_email


class ChangeEmailForm(AddEmailForm):
    def clean_email(self) -> str:
        value = get_adapter().clean_email(self.cleaned_data["email"].lower())
        if any(user.pk != self.user.pk for user in filter_users_by_email(value)):
            raise get_adapter().validation_error("email_taken")
        return super().clean_email()
