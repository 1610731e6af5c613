from django.urls import path, re_path

from profiles import views

app_name = "profiles"
TOKEN = r"(?P<token>[A-Za-z0-9_-]{20,64})"
urlpatterns = [
    path("check/", views.start, name="start"),
    path("check/restart/", views.restart, name="restart"),
    path("check/answers/", views.answers, name="answers"),
    path("check/<slug:step_slug>/", views.question_step, name="step"),
    re_path(rf"^r/{TOKEN}/$", views.result, name="result"),
    re_path(rf"^r/{TOKEN}/recheck/$", views.result_recheck, name="result_recheck"),
    re_path(rf"^r/{TOKEN}/delete/$", views.result_delete, name="result_delete"),
    path("report/sent/", views.report_sent, name="report_sent"),
    path("report/<slug:kind>/<int:item_id>/", views.report, name="report"),
]
