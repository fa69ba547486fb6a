"""core.choice_html writes choice widgets exactly as Django's own widget templates do."""

from django import forms
from django.utils.safestring import mark_safe

from apps.core import choice_html


class Choices(forms.Form):
    kind = forms.ChoiceField(
        choices=[("x", "X <b> & 'q'"), ("y", mark_safe("<i>Y</i>"))],
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
    )
    boxes = forms.MultipleChoiceField(
        choices=[(1, "One"), (2, 'T"wo')], required=False, widget=forms.CheckboxSelectMultiple(attrs={"class": "c"})
    )
    place = forms.ChoiceField(
        choices=[("", "—"), ("Group <1>", [(1, "a&b"), (2, "c")]), ("G2", [(3, "d")])],
        widget=forms.Select(attrs={"class": "form-select", "aria-label": "Where"}),
    )


def test_radios_boxes_and_a_select_are_written_byte_for_byte_as_django_renders_them():
    for data in (None, {"kind": "y", "boxes": ["2"], "place": "3"}, {"kind": "zz", "place": "nope"}):
        # given
        form = Choices(data)
        if form.is_bound:
            form.is_valid()

        # when / then
        for name in ("kind", "boxes"):
            written = [(o.tag, o.id_for_label, o.choice_label) for o in choice_html.options(form[name])]
            assert written == [(w.tag(), w.id_for_label, w.choice_label) for w in form[name]]
        assert str(choice_html.select(form["place"])) == str(form["place"])


def test_a_multiple_select_is_left_to_django():
    class Multiple(forms.Form):
        many = forms.MultipleChoiceField(choices=[(1, "One")])

    form = Multiple()

    assert str(choice_html.select(form["many"])) == str(form["many"])
