"""The partner's own page behind a signed link (no login)."""
app_name = 'partner_pages'
urlpatterns = []
