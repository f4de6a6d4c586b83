from django.db import migrations, models


class Migration(migrations.Migration):
    """Campaigns remember why a scheduled start was refused (the pre-send check's blocking
    problems), so the campaign page says what to fix instead of the send silently not
    happening."""

    dependencies = [("marketing", "0002_mail_machine")]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="problems",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
    ]
