from django.db import migrations, models


class Migration(migrations.Migration):
    """The campaign's cursor while a large audience's rows are written in chunks, and the
    claim's index in id order (campaign, status, id) in place of (campaign, status)."""

    dependencies = [("marketing", "0008_seg1m_membership_no_fk")]

    operations = [
        migrations.AddField(
            model_name="campaign",
            name="audience_cursor",
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RemoveIndex(model_name="delivery", name="delivery_campaign_status_idx"),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(fields=["campaign", "status", "id"], name="delivery_claim_idx"),
        ),
    ]
