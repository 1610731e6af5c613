from django.apps import AppConfig


class VisasConfig(AppConfig):
    name = "visas"
    verbose_name = "Visa knowledge base"
