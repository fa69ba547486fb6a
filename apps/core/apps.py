from django.apps import AppConfig
from django.conf.locale import LANG_INFO

# A browser set to "Norwegian" may ask for "no" or "nn" (Nynorsk), with or without "-NO": Django falls back
# through LANG_INFO's "fallback" lists (as it does for "zh-cn"), so these readers get Norsk bokmål, not English.
NORWEGIAN_FALLBACKS = ("no", "nn", "no-no", "nn-no")


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"

    def ready(self):
        for code in NORWEGIAN_FALLBACKS:
            LANG_INFO.setdefault(code, {}).setdefault("fallback", ["nb"])
