from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy

from .dates import EARLIEST_DATE, FIVE_YEARS_AHEAD, day_label, resolve
from .formatting import when


def add_service_errors(form, error: ValidationError):
    """Show a service's ValidationError next to the form's fields (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            if field == NON_FIELD_ERRORS:
                target = None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)


class BootstrapMixin:
    """Give hand-laid-out forms Bootstrap's classes, and mark fields with errors as invalid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            input_type = getattr(widget, "input_type", None)
            if input_type in ("radio", "checkbox", "hidden"):
                continue
            css = (
                "form-select"
                if input_type == "select" or widget.__class__.__name__.endswith("Select")
                else "form-control"
            )
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"id_{name}_errors"


# --- Dates, times and whole numbers: one widget per input type, ISO whatever the locale -----------------
# A browser's date, time and datetime-local inputs read and send only ISO values; rendered with the locale's
# first input format (en-gb: 06/12/2026) the browser drops the value, the box shows blank and a save says
# "This field is required". So these widgets always render ISO (the fields parse ISO in every locale).
ISO_DATE = "%Y-%m-%d"
ISO_TIME = "%H:%M"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATE)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_TIME)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=ISO_DATETIME_LOCAL)


class _BoundedBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        first, last = self.field.bounds()
        # A form or view may narrow them for the picker (e.g. no past due dates on a new action).
        for name, bound in (("min", first), ("max", last)):
            if name in self.field.picker and name not in widget.attrs:
                attrs.setdefault(name, widget.format_value(self.field.prepare_value(bound)))
        return attrs


class _Bounded:
    """Bounds (values, or callables for moving ones such as "five years from today") checked on the server,
    given to the browser as min/max, and named in the message next to the field."""

    def __init__(self, *, first, last, picker=("min", "max"), **kwargs):
        self.first, self.last, self.picker = first, last, picker
        super().__init__(**kwargs)

    def bounds(self):
        return resolve(self.first), resolve(self.last)

    def get_bound_field(self, form, field_name):
        return _BoundedBoundField(form, self, field_name)

    def validate(self, value):
        super().validate(value)
        if value in self.empty_values:
            return
        first, last = self.bounds()
        params = {"first": self.label_of(first), "last": self.label_of(last)}
        if value < first:
            raise ValidationError(self.error_messages["too_early"], code="too_early", params=params)
        if value > last:
            raise ValidationError(self.error_messages["too_late"], code="too_late", params=params)


class DateField(_Bounded, forms.DateField):
    """A date between `first` and `last` (inclusive), on the site's date input."""

    widget = DateInput
    default_error_messages = {
        "too_early": gettext_lazy("Enter a date from %(first)s to %(last)s."),
        "too_late": gettext_lazy("Enter a date from %(first)s to %(last)s."),
    }

    def __init__(self, *, first=EARLIEST_DATE, last=FIVE_YEARS_AHEAD, **kwargs):
        super().__init__(first=first, last=last, **kwargs)

    @staticmethod
    def label_of(day):
        return day_label(day)


class DateTimeField(_Bounded, forms.DateTimeField):
    """An instant between `first` and `last`, on the site's datetime-local input (the current time zone)."""

    widget = DateTimeLocalInput
    default_error_messages = {
        "too_early": gettext_lazy("Enter a time from %(first)s to %(last)s."),
        "too_late": gettext_lazy("Enter a time from %(first)s to %(last)s."),
    }

    @staticmethod
    def label_of(moment):
        return when(moment, "datetime")


class TimeField(forms.TimeField):
    widget = TimeInput


class IntegerField(forms.IntegerField):
    """A whole number, written as a number input lets it be written: 1000, 1000.0 or 1e3 are all 1000."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return whole_number(str(value), self.error_messages["invalid"])


NOT_A_WHOLE_NUMBER = gettext_lazy("Enter a whole number.")


def whole_number(text, message=NOT_A_WHOLE_NUMBER):
    """`text` as an int if it is a number without a fractional part (exponents as a number input allows)."""
    text = text.strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    # 1e999999999 would build a gigantic int: past Python's own limit for int("...") it is no number either.
    if number is None or not number.is_finite() or number.adjusted() >= 4300 or number != number.to_integral_value():
        raise ValidationError(message, code="invalid")
    return int(number)
