from django.urls import path

from profiles import views

app_name = "profiles"
urlpatterns = [
    path("check/", views.start, name="start"),
]
