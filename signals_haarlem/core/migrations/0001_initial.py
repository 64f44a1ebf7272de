from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name='ClosureDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date', models.DateField(unique=True, verbose_name='datum')),
                ('reason', models.CharField(max_length=200, verbose_name='reden')),
            ],
            options={
                'verbose_name': 'Sluitingsdag',
                'verbose_name_plural': 'Sluitingsdagen',
                'ordering': ['date'],
            },
        ),
    ]
