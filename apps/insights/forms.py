"""Forms for themes, actions, pilots and customer scores: validation only; the services do the writes."""

from django import forms

from apps.core.forms import BootstrapMixin


# === Learnings and themes ================================================================================

# === end of Learnings and themes =========================================================================


# === Actions and pilots ==================================================================================

# === end of Actions and pilots ===========================================================================


# === Customer scores =====================================================================================

# === end of Customer scores ==============================================================================
