from django.shortcuts import render


def calculator(request):
    return render(request, "certifications/calculator.html")
