import io

from django import forms

from .imports import MAX_BYTES, MAX_ROWS, ImportFileError, check_file, check_upload
from .models import Source


class RecommendationImportForm(forms.Form):
    """The report whose recommendations are being recorded, and the file that lists them.

    A file that cannot be used at all (wrong type, too big, not UTF-8, empty, too many rows, a missing column) is
    refused here, on the file field; a file that can be read goes on to the preview, where each row gets its result.
    """

    source = forms.ModelChoiceField(
        label="Report",
        queryset=Source.objects.order_by("title"),
        empty_label="Choose a report",
        help_text="The report that makes these recommendations. Its review is recorded on each of them.",
        error_messages={
            "required": "Choose the report the recommendations come from",
            "invalid_choice": "Choose a report from the list",
        },
    )
    file = forms.FileField(
        label="File of recommendations",
        help_text=(
            f"A CSV UTF-8 or Excel .xlsx file, smaller than {MAX_BYTES // (1024 * 1024)} MB, "
            f"with one recommendation a row under a header row, up to {MAX_ROWS:,} rows."
        ),
        widget=forms.FileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        error_messages={"required": "Select a CSV or Excel file", "empty": "The selected file is empty"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_upload(upload.name, upload.size)
            upload.seek(0)
            # Read once to the end, keeping no row: the preview reads the stored file again, a page at a time.
            check_file(upload.name, io.BytesIO(upload.read()), upload.size)
        except ImportFileError as error:
            raise forms.ValidationError(error.message) from None
        finally:
            upload.seek(0)
        return upload
