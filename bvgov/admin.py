from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import User


@admin.register(User)
class BvgovUserAdmin(UserAdmin, SimpleHistoryAdmin):
    pass
