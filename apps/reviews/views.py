"""The monthly customer review: a document for the top team's meeting."""

from django.shortcuts import render

from apps.organizations.decorators import membership_required


@membership_required()
def review(request):
    return render(request, "reviews/review.html", {})
