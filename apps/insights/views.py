"""Pages for what leaders learned and what came of it. Views orchestrate: scoped lookup (404), role check
(403), form, service or selector, render."""

from django.http import Http404


# === Learnings and themes ================================================================================

def learning_feed(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def learning_detail(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def learning_themes(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def theme_list(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def theme_create(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def theme_edit(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def theme_merge(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def theme_delete(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


# === end of Learnings and themes =========================================================================


# === Actions and pilots ==================================================================================

def action_list(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def action_create(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def action_detail(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def action_edit(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def action_status(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def action_note(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def action_learning_add(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def action_learning_remove(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def pilot_create(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def pilot_list(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def pilot_detail(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def pilot_edit(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


# === end of Actions and pilots ===========================================================================


# === Customer scores =====================================================================================

def score_list(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def score_create(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def score_import(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def score_template(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def score_edit(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


def score_delete(request, *args, **kwargs):  # TODO(issue 4): being built
    raise Http404


# === end of Customer scores ==============================================================================
