from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("marketing", "0006_track_tracking")]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="audience_cursor",
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
    ]
