from django.db import migrations


def forwards(apps, schema_editor):
    from annotations.roles import ALL_ROLES
    from annotations.scale_presets import DEFAULT_PRESET, PRESETS

    Group = apps.get_model("auth", "Group")
    for role in ALL_ROLES:
        Group.objects.get_or_create(name=role)
    VerdictScale = apps.get_model("annotations", "VerdictScale")
    VerdictLabel = apps.get_model("annotations", "VerdictLabel")
    for preset in PRESETS:
        scale, created = VerdictScale.objects.get_or_create(
            slug=preset["slug"],
            defaults={
                "name": preset["name"],
                "description": preset["description"],
                "is_ordered": preset["is_ordered"],
                "is_default": preset["slug"] == DEFAULT_PRESET,
            },
        )
        if created:
            for position, label in enumerate(preset["labels"]):
                VerdictLabel.objects.create(scale=scale, position=position, **label)


class Migration(migrations.Migration):
    dependencies = [
        ("annotations", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
