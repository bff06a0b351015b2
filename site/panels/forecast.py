"""Handlers of the forecast controls in the Data panel: the "Forecast" switch and the
"Forecast steps" box. rnn_py.page.view adds the forecast rows and chart series to the snapshot."""

import page
from page import when
from pyscript import window

from rnn_py.i18n import _
from rnn_py.page.state import MAX_FORECAST, read_number


@when("change", "#forecast")
def on_forecast(event):
    if event.target.checked:  # the forecast starts after the last value: show them all
        page.change(forecast=True, step=None)
    else:
        page.change(forecast=False)


@when("change", "#forecast-steps")
def on_forecast_steps(event):
    steps, text = read_number(
        event.target.value, 1, MAX_FORECAST, _("Forecast steps"), integer=True
    )
    window.RnnPage.message("forecast-steps-msg", text, steps is not None)
    if steps is None:
        page.repaint()  # the box shows the steps in use again
    else:
        page.change(forecast_steps=steps)
