from __future__ import annotations

from allauth.account.adapter import get_adapter
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.forms import AddWebAuthnForm as AllauthAddWebAuthnForm
from django import forms
from django.conf import settings
from django.core.validators import RegexValidator, URLValidator
from django.utils import translation
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts import timezones
from accounts.adapter import normalise_username
from accounts.models import Application, User
from accounts.phone import normalise_phone_number
from netguard import ssrf


class PhoneNumberForm(forms.Form):
    phone_number = forms.CharField(
        label=gettext_lazy("Phone number"),
        max_length=32,
        help_text=gettext_lazy("International format: + and the country code, e.g. +254712345678."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def clean_phone_number(self) -> str:
        return normalise_phone_number(self.cleaned_data["phone_number"])


class PhoneCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the SMS"),
        max_length=6,
        help_text=gettext_lazy("The 6 digits we sent to your phone."),
        validators=[RegexValidator(r"^\d{6}$", gettext_lazy("Enter the 6 digits of the code."))],
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": r"\d{6}"}
        ),
    )


class PersonalDetailsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "company", "country"]
        labels = {"company": gettext_lazy("Company"), "country": gettext_lazy("Country")}


class UsernameForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.is_bound:
            self.initial.setdefault("username", user.username)

    def clean_username(self) -> str:
        username = normalise_username(self.cleaned_data["username"])
        if username == self.user.username:
            return username
        # The same rules as sign-up (characters, blacklist, uniqueness ignoring case).
        return get_adapter().clean_username(username)


class AsyncResponseUrlForm(forms.ModelForm):
    async_response_url = forms.CharField(
        label=gettext_lazy("Asynchronous Response URL"),
        required=False,
        max_length=500,
        help_text=gettext_lazy(
            "Leave empty for synchronous answers. With a URL, every API answers at "
            "once and delivers its result to this address."
        ),
        validators=[
            URLValidator(
                schemes=["http", "https"], message=gettext_lazy("Enter a valid http(s) URL.")
            )
        ],
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/mpesa/results"}),
    )

    class Meta:
        model = Application
        fields = ["async_response_url"]

    def clean_async_response_url(self) -> str:
        url = self.cleaned_data["async_response_url"].strip()
        # Runs once the URL is well formed: the gateway will post results there, so no
        # private or loopback networks unless settings.CALLBACK_ALLOW_PRIVATE_NETWORKS.
        ssrf.validate_callback_url(url)
        return url


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, with a label that says what the field accepts."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = gettext_lazy("Username or email")
        self.fields["remember"].label = gettext_lazy("Keep me signed in")


class AddPasskeyForm(AllauthAddWebAuthnForm):
    """allauth's "add a WebAuthn key" form, in the portal's words (MFA_FORMS)."""

    def __init__(self, *args, **kwargs) -> None:
        user = kwargs["user"]
        count = Authenticator.objects.filter(
            user_id=user.pk, type=Authenticator.Type.WEBAUTHN
        ).count()
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("name", _("Passkey %(number)s") % {"number": count + 1})
        initial.setdefault("passwordless", True)
        super().__init__(*args, **kwargs)
        name = self.fields["name"]
        name.label = _("Name of the passkey")
        name.help_text = _(
            "To tell your passkeys apart, e.g. “Work laptop” or “Blue security key”."
        )
        if "passwordless" in self.fields:
            self.fields["passwordless"].label = _("Sign in with it alone")
            self.fields["passwordless"].help_text = _(
                "No password then: the passkey is the whole sign-in, and your device asks "
                "for its PIN, fingerprint or face. Untick to use it only after your password."
            )


class TimeZoneForm(forms.ModelForm):
    """My Profile's time zone: a select of zoneinfo's zones, the markets' first."""

    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezones.grouped_choices,
        help_text=_(
            "Dates on every page (request log, reports, callbacks, Go Live) and in emails "
            "are shown in this zone; reports count whole days in it."
        ),
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a time zone we know. Choose one from the list "
                "(IANA names such as Africa/Nairobi)."
            ),
            "required": _("Choose a time zone."),
        },
    )

    class Meta:
        model = User
        fields = ["timezone"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.instance.timezone:
            self.initial["timezone"] = timezones.DEFAULT


def _languages() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)


class LanguageSelect(forms.Select):
    """Each option says which language it is in (`lang`), so that a screen reader reads
    "Français" in French, as the footer's switcher does."""

    def create_option(self, name, value, *args, **kwargs) -> dict:
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"]["lang"] = value
        return option


class LanguageForm(forms.Form):
    """My Profile's language: one of the portal's (settings.LANGUAGES), each named in its
    own language. Saved through accounts.languages.choose_language, like the switcher."""

    language = forms.ChoiceField(
        label=_("Your language"),
        choices=_languages,
        widget=LanguageSelect,
        help_text=_(
            "Every page once you are signed in, and the emails and SMS the portal sends "
            "you, are in this language."
        ),
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not one of the portal's languages. Choose one from the list."
            ),
            "required": _("Choose a language."),
        },
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            # Not chosen yet (an account from before languages were stored): the page's.
            self.initial["language"] = user.language or translation.get_language()


class BrowserTimeZoneForm(forms.Form):
    """The zone static/js/timezone-default.js reads from the browser (Intl API)."""

    time_zone = forms.CharField(max_length=timezones.MAX_LENGTH)

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"]
        timezones.validate_time_zone(value)
        return value
