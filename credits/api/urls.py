from django.urls import path

from . import provider_views as provider

urlpatterns: list = [
    path("provider/courses", provider.CourseListView.as_view(), name="provider-courses"),
    path("provider/courses/<str:course_number>", provider.CourseDetailView.as_view(), name="provider-course"),
    path(
        "provider/courses/<str:course_number>/retire",
        provider.CourseRetireView.as_view(),
        name="provider-course-retire",
    ),
    path("provider/completions", provider.CompletionListView.as_view(), name="provider-completions"),
    path("provider/completions/<int:pk>", provider.CompletionDetailView.as_view(), name="provider-completion"),
    path("provider/completions/<int:pk>/void", provider.CompletionVoidView.as_view(), name="provider-completion-void"),
]
