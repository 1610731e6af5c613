"""The site's URLs plus one tiny view that creates nothing, rate-limited like result creation."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.ratelimit import result_create_ratelimit
from config.urls import handler500
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler500", "urlpatterns"]


@result_create_ratelimit
def create(request: HttpRequest) -> HttpResponse:
    return HttpResponse("created", status=201 if request.method == "POST" else 200)


urlpatterns = [path("test-only/create/", create), *site_urlpatterns]
