"""The names under which each broker delivers the company and the person; existing brokers get
the names used so far (kvk, vestigingsnummer, pseudo_id)."""

import knooppunt.eherkenning.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('eherkenning', '0002_encrypt_client_secret'),
    ]

    operations = [
        migrations.AddField(
            model_name='broker',
            name='kvk_claim',
            field=models.CharField(default='kvk', help_text='De naam waaronder de makelaar het KvK-nummer doorgeeft.', max_length=200, validators=[knooppunt.eherkenning.validators.validate_claim_name], verbose_name='claim met het KvK-nummer'),
        ),
        migrations.AddField(
            model_name='broker',
            name='pseudo_id_claim',
            field=models.CharField(default='pseudo_id', help_text='De naam waaronder de makelaar het pseudoniem van de persoon doorgeeft. Geeft de makelaar er geen, dan geldt de sub (identificatie) als pseudoniem.', max_length=200, validators=[knooppunt.eherkenning.validators.validate_claim_name], verbose_name='claim met het pseudoniem'),
        ),
        migrations.AddField(
            model_name='broker',
            name='vestigingsnummer_claim',
            field=models.CharField(default='vestigingsnummer', help_text='De naam waaronder de makelaar het vestigingsnummer doorgeeft (als er een is).', max_length=200, validators=[knooppunt.eherkenning.validators.validate_claim_name], verbose_name='claim met het vestigingsnummer'),
        ),
    ]
