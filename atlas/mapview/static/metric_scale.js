{% macro script(this, kwargs) %}
L.control.scale({"imperial": false, "position": "bottomleft"}).addTo({{ this._parent.get_name() }});
{% endmacro %}
